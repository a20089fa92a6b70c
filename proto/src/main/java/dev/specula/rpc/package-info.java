/** The runtime every Specula service shares for the wire contract: servers with health and reflection, channels. */
package dev.specula.rpc;
