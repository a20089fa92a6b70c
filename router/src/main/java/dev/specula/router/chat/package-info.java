/** Chat templates: a model's {@code tokenizer.chat_template} (Jinja) rendered into the prompt the mesh completes. */
package dev.specula.router.chat;
