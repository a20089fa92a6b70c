/** The verifier service: serves the target model, owns generation sessions and verifies drafted blocks. */
package dev.specula.verifier;
