/** The probe runtime lives in the engine (generation reads reference images with it); eval's API is unchanged. */
export { Probe, type ProbeHead, type ProbeOptions, type ProbeReading } from '../engine/probe.ts';
