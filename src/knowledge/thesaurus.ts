/**
 * Words that mean the same in questions about inter-governmental work, Dutch
 * and English side by side. Knowledge entries are written in plain Dutch (B1)
 * with a short English summary, so a user's "geldproblemen", "money" or
 * "nieuwkomers" must still reach "schulden", "financiën" or "migranten".
 *
 * Each line is one group of interchangeable words. Keep groups narrow: a word
 * with several meanings ("probleem", "voorkomen") belongs in none, since one
 * wrong link pulls unrelated entries into every answer that uses it.
 */
import { stem } from './normalise.js';

const GROUPS = `
fout fouten mislukking mislukkingen mislukt misser vergissing falen mistake mistakes failure failures error errors
geld financien financieel financiele financiering bekostiging budget middelen funding money financial finance finances
woning woningen huis huizen woningbouw wonen home homes house houses housing
jongeren jongere jong jeugd youth young
schuld schulden schuldhulp debt debts
armoede poverty poor
migrant migranten nieuwkomer nieuwkomers statushouder statushouders vluchteling vluchtelingen asielzoeker asielzoekers vreemdeling vreemdelingen newcomer newcomers refugee refugees immigrant immigrants migratie migration
inburgering inburgeren integratie integration
platteland dorp dorpen landelijk rural countryside village villages
klimaat climate
energie energy
website site webpagina webpage homepage
voortgang vooruitgang progress progressing
resultaat resultaten opbrengst opbrengsten succes successen result results achievement achievements
samenwerken samenwerking samenspel cooperation cooperate cooperating collaboration collaborate partnership
principe principes spelregel spelregels richtlijn richtlijnen leidraad uitgangspunt uitgangspunten guideline guidelines principle principles rules
koppelen verbinden verbinding verbindingen dwarsverband dwarsverbanden samenhang link links connect connections combine combineren crossover crossovers
bot chatbot assistent assistant
commando commandos command commands
knelpunt knelpunten bottleneck bottlenecks obstakel obstakels hindernis obstacle obstacles
starten beginnen opstarten opzetten start begin
beslissen besluiten besluit besluitvorming decide decision decisions
leren learn learning lessen lessons
bestuur governance administration
economie economisch economische economy economic
gezondheid gezond health healthy
preventie prevention
opgave opgaven uitdaging uitdagingen challenge challenges task tasks
zekerheid zekerheden certainty certainties
mandaat mandate
anticiperen vooruitdenken anticipate
communiceren communicatie communiceer communicate communication
gemeente gemeenten municipality municipalities
provincie provincies province provinces
rijk rijksoverheid kabinet ministerie ministeries departement departementen
overheid overheden government governments authorities
regio regios regionaal regionale region regions regional
kamer parlement parliament kamerbrief
afspraak afspraken akkoord akkoorden deal deals agreement agreements convenant
eenzaamheid eenzaam loneliness lonely
zorg care
veiligheid safety
deadline deadlines termijn termijnen
rol rollen role roles taakverdeling
gelijkwaardigheid gelijkwaardig gelijken equality equal equals
wederkerigheid wederkerig reciprocity
reflectie reflecteren evaluatie evalueren terugblik reflection reflect
privacy gegevens persoonsgegevens avg gdpr data
melden rapporteren rapportage doorgeven signaleren report reporting
voorbeeld voorbeelden praktijkvoorbeeld praktijkvoorbeelden example examples
verhaal verhalen story stories
werkgelegenheid banen jobs employment
laaggeletterdheid laaggeletterd laaggeletterden literacy illiteracy illiterate
versneller accelerator
verdelen verdeling verdeeld divide divided division distribute distribution
krimp bevolkingsdaling depopulation
thema themas onderwerp onderwerpen theme themes topic topics
overkoepelend overkoepelende overarching
check checken controleren nagaan verify
inwoners burgers bewoners mensen residents citizens people
stad steden city cities
wijk wijken buurt buurten neighbourhood neighbourhoods neighborhood
opvang shelter
democratie democracy
samenleving maatschappij society
maatschappelijk maatschappelijke societal social
interbestuurlijk interbestuurlijke intergovernmental
kennis knowledge expertise
netwerk network
adviseur adviseurs advisor advisors adviser advisers
bouwen bouw build building construction
reageren reactie react reaction
programma programme program
ondersteuning ondersteunen ondersteunt steun support
`;

function buildThesaurus(groups: string): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, string[]>();
  for (const line of groups.split('\n')) {
    const stems = [...new Set(line.split(/\s+/).filter((w) => w !== '').map(stem))];
    for (const s of stems) {
      const others = stems.filter((o) => o !== s);
      out.set(s, [...new Set([...(out.get(s) ?? []), ...others])]);
    }
  }
  return out;
}

const THESAURUS = buildThesaurus(GROUPS);

/** Stems meaning the same as `stemmed` (not including itself). */
export function synonyms(stemmed: string): readonly string[] {
  return THESAURUS.get(stemmed) ?? [];
}
