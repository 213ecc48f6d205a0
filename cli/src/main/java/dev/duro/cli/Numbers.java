package dev.duro.cli;

import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Whole-number flags ({@code --until-ms 20000}) in words a person understands: {@code 1e17},
 * {@code 2.5} or {@code 99999999999999999999} get one line saying what is wrong and what is
 * allowed, instead of "is not a long".
 */
final class Numbers {
    private Numbers() {}

    static void register(CommandLine cli) {
        ITypeConverter<Long> longs = text -> (Long) parse(text, Long.MIN_VALUE, Long.MAX_VALUE);
        ITypeConverter<Integer> ints = text -> (int) parse(text, Integer.MIN_VALUE, Integer.MAX_VALUE);
        cli.registerConverter(Long.class, longs);
        cli.registerConverter(long.class, longs);
        cli.registerConverter(Integer.class, ints);
        cli.registerConverter(int.class, ints);
    }

    /** Decimal digits with an optional sign, in {@code [min, max]}; anything else is a one-line error. */
    static long parse(String text, long min, long max) {
        String t = text.trim().replace("_", "");
        boolean digits = t.matches("[+-]?[0-9]+");
        if (!digits) {
            String hint = t.matches("[+-]?[0-9]*\\.?[0-9]+([eE][+-]?[0-9]+)?") ? " (write it out in digits: no exponent or fraction)" : "";
            throw new TypeConversionException("'" + text + "' is not a whole number" + hint);
        }
        try {
            long v = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
            if (v < min || v > max) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' is " + (t.startsWith("-") ? "too small (at least " + min + ")"
                    : "too large (at most " + max + ")"));
        }
    }
}
