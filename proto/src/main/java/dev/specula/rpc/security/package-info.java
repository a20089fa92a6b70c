/**
 * Keeping others out, shared by every service: TLS and mutual TLS from reloaded certificate files, bearer-token
 * authentication and per-client limits on the public API.
 */
package dev.specula.rpc.security;
