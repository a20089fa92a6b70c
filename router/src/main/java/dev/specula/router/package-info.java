/** The router: the public GenerationService, which routes each request to a drafter and a verifier. */
package dev.specula.router;
