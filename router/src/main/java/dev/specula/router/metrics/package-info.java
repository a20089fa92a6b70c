/** The router's metrics: requests, tokens, latency, and acceptance per route, drafter and draft position. */
package dev.specula.router.metrics;
