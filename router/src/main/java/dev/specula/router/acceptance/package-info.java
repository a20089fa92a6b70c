/** What the router learns across requests: measured acceptance and drafting cost per route and drafter. */
package dev.specula.router.acceptance;
