/** One generation session: request validation, the decode/verify loop, text emission with stop sequences. */
package dev.specula.verifier.session;
