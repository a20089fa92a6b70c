/** The router's configuration: immutable, validated records read from YAML. */
package dev.specula.router.config;
