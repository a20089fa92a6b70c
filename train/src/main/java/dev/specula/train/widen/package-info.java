/**
 * Function-preserving widening of a trained target: the same outputs at a larger model's cost, standing in for
 * the larger targets speculative decoding is for.
 */
package dev.specula.train.widen;
