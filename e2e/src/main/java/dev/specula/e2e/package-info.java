/** The whole mesh: the specula command line (serve, client, demo, bench mesh) and its local deployment. */
package dev.specula.e2e;
