/** Which route (language × domain), drafter and verifier replicas serve a request. */
package dev.specula.router.routing;
