/** What the router learns across requests: measured acceptance and goodput per route and drafter. */
package dev.specula.router.acceptance;
