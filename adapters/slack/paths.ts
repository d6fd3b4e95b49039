/** Commands, events and interactivity share one Request URL. */
export const EVENTS_PATH = '/slack/events';
