/** The drafter service: serves small draft models and streams blocks of draft tokens to verifiers, drafting ahead. */
package dev.specula.drafter;
