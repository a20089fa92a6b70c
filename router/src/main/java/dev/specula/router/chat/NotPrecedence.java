package dev.specula.router.chat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bridges the one grammar difference between Jinjava and Python's jinja2 that real chat templates meet: in
 * jinja2 a prefix {@code not} applies to the whole comparison or test after it ({@code not x is defined} is
 * {@code not (x is defined)}, {@code not a == b} is {@code not (a == b)}), while Jinjava binds it to the next
 * operand alone. Every prefix {@code not} in a tag or expression gets its operand parenthesised, up to the
 * next {@code and}, {@code or}, {@code if}, {@code else}, comma or closing bracket at its own depth.
 * {@code is not} and {@code not in} are operators of their own and are left alone; text, comments and
 * string literals are never touched.
 */
final class NotPrecedence {

    /** A tag or expression, its inner text in group 2 (whitespace-control dashes outside it). */
    private static final Pattern BLOCK = Pattern.compile("(\\{%-?|\\{\\{-?)(.*?)(-?%}|-?}})", Pattern.DOTALL);
    private static final Pattern COMMENT = Pattern.compile("\\{#.*?#}", Pattern.DOTALL);

    private NotPrecedence() {
    }

    /** The template with every prefix {@code not} parenthesised as jinja2 parses it. */
    static String rewrite(String template) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        Matcher comment = COMMENT.matcher(template);
        Matcher block = BLOCK.matcher(template);
        while (block.find(at)) {
            if (comment.find(at) && comment.start() < block.start()) {
                out.append(template, at, comment.end());
                at = comment.end();
                continue;
            }
            out.append(template, at, block.start(2)).append(expression(block.group(2))).append(block.group(3));
            at = block.end();
        }
        return out.append(template.substring(at)).toString();
    }

    /** One expression's text with its prefix {@code not}s parenthesised. */
    static String expression(String text) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                int end = stringEnd(text, i);
                out.append(text, i, end);
                i = end;
            } else if (isWordAt(text, i, "not") && isPrefixNot(text, i)) {
                int start = i + 3;
                int end = operandEnd(text, start);
                out.append("not (").append(expression(text.substring(start, end)).strip()).append(')');
                if (end < text.length() && isWordChar(text.charAt(end))) {
                    out.append(' ');
                }
                i = end;
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                int end = i;
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                    end++;
                }
                out.append(text, i, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean isPrefixNot(String text, int at) {
        String before = text.substring(0, at).stripTrailing();
        String after = text.substring(at + 3).stripLeading();
        return !before.endsWith(" is") && !before.equals("is") && !(after.startsWith("in") && isWordAt(after, 0, "in"));
    }

    /** Where the operand of a prefix not that ends at {@code start} ends. */
    private static int operandEnd(String text, int start) {
        int depth = 0;
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                i = stringEnd(text, i);
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            } else if (depth == 0 && (c == ',' || isWordAt(text, i, "and") || isWordAt(text, i, "or")
                    || isWordAt(text, i, "if") || isWordAt(text, i, "else"))) {
                return i;
            }
            i++;
        }
        return i;
    }

    private static int stringEnd(String text, int open) {
        char quote = text.charAt(open);
        int i = open + 1;
        while (i < text.length() && text.charAt(i) != quote) {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, text.length());
    }

    private static boolean isWordAt(String text, int at, String word) {
        int end = at + word.length();
        return text.startsWith(word, at)
                && (at == 0 || !isWordChar(text.charAt(at - 1)))
                && (end >= text.length() || !isWordChar(text.charAt(end)));
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }
}
