/**
 * Losses as functions returning the loss and the gradient of the logits.
 *
 * @module
 */
export * from "./sigmoid_log_loss.ts";
export * from "./softmax_cross_entropy.ts";
