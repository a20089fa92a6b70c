/** The GenerationService: request validation, and relaying a session from a verifier to the client. */
package dev.specula.router.generation;
