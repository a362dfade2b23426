export { Buddy, type BuddyOptions, type BuddyZoneSpec, type FreeFlags, type PfnRange } from './buddy';
export type { PageStateName } from './page-state';
