/** Which language a prompt is in: ISO 639-1 codes and detection with Lingua. */
package dev.specula.router.language;
