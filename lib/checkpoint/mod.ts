/**
 * Checkpoints: a model's parameters in the safetensors format, with metadata.
 *
 * @module
 */
export * from "./checkpoint.ts";
export * from "./safetensors.ts";
