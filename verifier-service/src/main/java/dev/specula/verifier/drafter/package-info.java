/** The verifier's side of the Propose stream: channels, circuit breakers, and one link per session. */
package dev.specula.verifier.drafter;
