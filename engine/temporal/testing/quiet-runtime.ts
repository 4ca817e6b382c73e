/** Tests import the runtime logging set-up under this name. */
export { quietTemporalRuntime } from '../runtime-logging';
