package dev.specula.router.chat;

import com.hubspot.jinjava.objects.date.StrftimeFormatter;

import java.time.ZonedDateTime;

/**
 * The functions Hugging Face's {@code apply_chat_template} adds to a template's globals, as static methods for
 * Jinjava's expression language.
 */
public final class ChatTemplateFunctions {

    private ChatTemplateFunctions() {
    }

    /** {@code raise_exception(message)}: the template refuses the conversation. */
    public static Object raiseException(Object message) {
        throw new ChatTemplateException(String.valueOf(message));
    }

    /** {@code strftime_now(format)}: the local time now in a Python strftime format ("%d %b %Y"). */
    public static String strftimeNow(String format) {
        return StrftimeFormatter.format(ZonedDateTime.now(), format);
    }
}
