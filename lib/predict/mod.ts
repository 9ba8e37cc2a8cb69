/**
 * Prediction: a run's model rebuilt from its checkpoint, and images from files in the model's input form.
 *
 * @module
 */
export * from "./image.ts";
export * from "./input.ts";
export * from "./predict.ts";
