/** Trace replay (issue #11): the public functions of the module. */
export { TraceReplay, replayTrace, type ReplayOptions, type ReplayResult, type ReplayMark, type ReplayCommand, type MarkRule, type PcpTraffic } from './replay';
export { startReplayRun, type ReplayStart } from './start';
export { zoneFree, compareFree, type ZoneFree, type ZoneFidelity } from './compare';
export { kindOfTracedAlloc } from './kind';
export { TraceLineScanner, EV, EVENT_CODES } from './parse';
