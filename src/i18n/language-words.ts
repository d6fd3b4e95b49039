/**
 * Words of each language, for telling the language of a message (src/core/language.ts).
 * Language data, not text to show, but it lives with the catalogues.
 *
 * Function and question words of one language only (folded, lowercase): strong evidence.
 */
export const DUTCH_FUNCTION_WORDS = `
wat welke welk wie hoe waarom wanneer waar waarmee waarover hoeveel de het een zijn doet doen kan kun kunt kunnen
  ik jij je jou jouw u uw mij mijn ons onze jullie zij hij dit dat deze die er zit moet moeten wordt worden werd niet
  ook nog naar met van en bij voor aan om te als maar dan heeft hebben heb hebt mag mogen zal zullen wil wilt willen
  graag vertel leg uit geef noem iets iemand welke eigenlijk precies allemaal alle sinds tussen tegen zonder nu toch
  gaat gaan ga staat staan komt komen wel geen zo zoals hier daar waren hoe laat
`;

export const ENGLISH_FUNCTION_WORDS = `
what which who whom whose how why when where the a an are does do did can could would should will shall i you your
  yours my mine our ours they their them he she his her it its this that these those there about of and to with tell
  please from for on at by not any all many much get give show explain list there's what's who's how's don't doesn't
  can't since between without now just been being has have had am may might must than then also some
`;

/**
 * Everyday words of each language, as extra reading for the letter-trigram model (next
 * to the message catalogues): the words civil servants use in questions, with the word
 * shapes each language has (Dutch -heid, -lijk, -ing, -tie, ge-...-d, ver-, ont-;
 * English -tion, -ness, -ly, -ed, -ous, th-, wh-).
 */
export const DUTCH_WORDS = `
samenwerking samenwerken overheid overheden gemeente gemeenten provincie provincies waterschap waterschappen
opgaven maatschappelijke maatschappij samenleving inwoners burgers bewoners ambtenaren bestuurders wethouder
afspraken afspraak akkoord overeenkomst besluit besluitvorming beslissen verantwoordelijkheid verantwoordelijk
gelijkwaardigheid wederkerigheid bevoegdheid mogelijkheid zekerheid duidelijkheid gezondheid eenzaamheid
regionaal regionale landelijk landelijke gezamenlijk gezamenlijke eigenlijk mogelijk moeilijk belangrijk duidelijk
ontwikkeling uitvoering vergadering verandering ondersteuning begeleiding financiering inburgering aanpak aanpakken
problemen probleem oplossing oplossen voorkomen verbeteren versnellen betrekken bijdragen meedoen verbinden
communicatie organisatie informatie situatie evaluatie reflectie participatie verhoudingen middelen geld kosten
gesloten gemaakt gedaan gekregen gegeven geleerd gestart begonnen gebouwd geregeld gevraagd besproken ondertekend
woningen woningbouw huizen wonen bouwen klimaat energie duurzaam duurzame platteland dorpen steden wijken buurt
schulden armoede jongeren jeugdzorg zorg veiligheid onderwijs werkgelegenheid economie bedrijven ondernemers
voortgang resultaten successen knelpunten lessen leren fouten straffen kwetsbaar tijd termijn binnenkort vandaag
website verhalen voorbeelden praktijk inspiratie netwerk adviseurs team programma uitleg vraag vragen antwoord
betekent bedoelen bedoeld gebeurt gebeuren werkt werken zitten staat stond komen kunnen mogen moeten willen
waarom wanneer hoeveel welke iedereen niemand alles niets altijd nooit vaak soms eerst daarna samen elkaar
`;

export const ENGLISH_WORDS = `
cooperation collaboration government governments municipality municipalities province provinces authority
authorities society societal citizens residents officials council mayor agreement agreements decision decisions
responsibility responsible equality reciprocity certainty certainties health loneliness regional national local
joint together actually possible difficult important clearly development implementation meeting change support
guidance funding integration approach problem problems solution solve prevent improve accelerate involve contribute
communication organisation organization information situation evaluation reflection participation relations money
costs closed signed made done given learned started built arranged asked discussed housing homes houses building
climate energy sustainable countryside rural villages cities neighbourhood neighborhood debt debts poverty youth
young people care safety education employment economy business businesses entrepreneurs progress results success
bottlenecks lessons learning mistakes punish vulnerable time deadline soon today website stories examples practice
inspiration network advisers advisors team programme program explanation question questions answer answers means
meaning mean happens happen works working should would could might through though thought enough already always
never often sometimes first everyone nobody everything nothing each other whether while which whose where
challenge challenges task tasks themes overarching approach know knowledge showing telling learning keeping
`;
