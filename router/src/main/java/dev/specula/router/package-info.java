/**
 * The router: the public GenerationService (request validation, then relaying a session from a verifier to the
 * client), which routes each request to a drafter and a verifier.
 */
package dev.specula.router;
