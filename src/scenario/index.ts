// The scenario file format: parse, validate, fill defaults, resolve to the engine's SimConfig.
export { parseScenario, parseScenarioText, MAX_SCENARIO_BYTES, type ParseResult } from './parse';
export { formatScenarioErrors, type ScenarioError } from './errors';
export {
  scenarioSchema,
  type Scenario,
  type ScenarioPeer,
  type ScenarioTorrent,
  type ScenarioEvent,
} from './schema';
export { AUDIENCES, BLOCK_SIZE, DEFAULTS, KNOWN_CLIENTS, LIMITS, SEED_CHOKERS } from './limits';
export { resolveScenario, toMicros } from './resolve';
export { COLOURINGS, NARRATION_EVENTS, resolveNarration, type ResolvedStep, type ResolvedTrigger } from './narration';
export { parseQuantity, type QuantityKind } from './quantity';
export { JSON_SCHEMA_COMMAND, JSON_SCHEMA_PATH, scenarioJsonSchema, scenarioJsonSchemaText } from './json-schema';
