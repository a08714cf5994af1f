package io.capstan.api.quantity;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Kubernetes resource quantity ("500m", "0.5", "128Mi", "1e3"): an exact decimal number that
 * remembers the kind of suffix it was written with, as Kubernetes' {@code resource.Quantity}.
 *
 * <p><b>Syntax.</b> An optional sign, a decimal number ({@code 1}, {@code 1.5}, {@code .5},
 * {@code 1.}), then one suffix or none: a decimal SI suffix ({@code n u m k M G T P E}: 10^-9 up
 * to 10^18), a binary SI suffix ({@code Ki Mi Gi Ti Pi Ei}: 2^10 up to 2^60) or a decimal exponent
 * ({@code e3}, {@code E-6}, {@code e+2}). Suffixes are case-sensitive ({@code 1K} and {@code 1ki}
 * are rejected; {@code 1E} is 10^18 while {@code 1E3} is 1000). No whitespace. Unlike Kubernetes,
 * a number without any digit ({@code "."}, {@code "-"}) is rejected rather than read as 0.
 *
 * <p><b>Rounding and caps</b>, as Kubernetes: a value more precise than 10^-9 is rounded up, away
 * from zero, to the next 10^-9 ("0.1n" is 1n); a binary SI value beyond 2^63-1 is capped there; a
 * binary SI value strictly between -1 and 1 is formatted as decimal SI.
 *
 * <p><b>Canonical form</b> ({@link #toString()}), as Kubernetes serializes a quantity: the suffix
 * kind it was written with, no fractional digits, and the largest suffix that loses nothing:
 * "1.5" is "1500m", "1.5Gi" is "1536Mi", "1024Mi" is "1Gi", "1000M" is "1G", "0.5Ki" is "512",
 * "1.5e3" is "1500", "1e3" stays "1e3". Zero is "0".
 *
 * <p><b>Equality</b> is numeric and ignores the format, consistent with {@link #compareTo}: "1Ki"
 * equals "1024" although their canonical strings differ. Instances are immutable and thread-safe.
 */
public final class Quantity implements Comparable<Quantity> {

    /** How a quantity was written, and so how it is formatted. */
    public enum Format {
        /** Decimal SI suffixes, e.g. {@code 12M} (12 * 10^6) or {@code 500m}. */
        DECIMAL_SI,
        /** Binary SI suffixes, e.g. {@code 12Mi} (12 * 2^20). */
        BINARY_SI,
        /** A decimal exponent, e.g. {@code 12e6}. */
        DECIMAL_EXPONENT
    }

    /** Parsed values are rounded up to this many decimal places (nano). */
    private static final int MAX_SCALE = 9;

    private static final BigDecimal MAX_INT64 = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal BINARY_SI_BOUND = BigDecimal.valueOf(1024);
    private static final BigInteger THOUSAND_TWENTY_FOUR = BigInteger.valueOf(1024);
    private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final String EXPECTED_SUFFIXES =
            "one of n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei, or an exponent such as e3";

    private final BigDecimal amount;
    private final Format format;
    // amount as mantissa * 10^exponent with no trailing zeros in the mantissa (0 has exponent 0);
    // equality and hashing use it, so that 1.0 and 1 are the same quantity.
    private final BigInteger mantissa;
    private final long exponent;

    private Quantity(BigDecimal amount, Format format) {
        this.amount = amount.signum() == 0 ? BigDecimal.ZERO : amount;
        this.format = format;
        BigInteger unscaled = this.amount.unscaledValue();
        long exp = -(long) this.amount.scale();
        if (unscaled.signum() != 0) {
            BigInteger[] divided = unscaled.divideAndRemainder(BigInteger.TEN);
            while (divided[1].signum() == 0) {
                unscaled = divided[0];
                exp++;
                divided = unscaled.divideAndRemainder(BigInteger.TEN);
            }
        }
        this.mantissa = unscaled;
        this.exponent = exp;
    }

    /**
     * Parses {@code text} as a Kubernetes quantity.
     *
     * @throws QuantityFormatException if it is not one; the message quotes it and says why
     */
    public static Quantity parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new QuantityFormatException(text, "empty");
        }
        int pos = 0;
        boolean negative = false;
        char first = text.charAt(0);
        if (first == '+' || first == '-') {
            negative = first == '-';
            pos++;
        }
        int integerStart = pos;
        pos = skipDigits(text, pos);
        String integerDigits = text.substring(integerStart, pos);
        String fractionDigits = "";
        if (pos < text.length() && text.charAt(pos) == '.') {
            int fractionStart = ++pos;
            pos = skipDigits(text, pos);
            fractionDigits = text.substring(fractionStart, pos);
        }
        if (integerDigits.isEmpty() && fractionDigits.isEmpty()) {
            throw new QuantityFormatException(text, "must start with a number such as 1, 0.5 or .5");
        }
        String suffix = text.substring(pos);
        Suffix parsed = Suffix.interpret(text, suffix);

        BigInteger unscaled = new BigInteger(integerDigits + fractionDigits);
        if (negative) {
            unscaled = unscaled.negate();
        }
        long scale = fractionDigits.length();
        if (parsed.base() == 10) {
            scale -= parsed.exponent();
        } else {
            unscaled = unscaled.shiftLeft(parsed.exponent());
        }
        BigDecimal amount = roundUpToNano(unscaled, scale, text);
        Format format = parsed.format();
        if (format == Format.BINARY_SI) {
            if (amount.abs().compareTo(MAX_INT64) > 0) {
                amount = amount.signum() < 0 ? MAX_INT64.negate() : MAX_INT64;
            }
            if (amount.signum() != 0 && amount.abs().compareTo(BigDecimal.ONE) < 0) {
                format = Format.DECIMAL_SI;
            }
        }
        return new Quantity(amount, format);
    }

    /** {@code value} in the given format, e.g. {@code of(1 << 30, BINARY_SI)} prints as "1Gi". */
    public static Quantity of(long value, Format format) {
        return new Quantity(BigDecimal.valueOf(value), Objects.requireNonNull(format, "format"));
    }

    /** {@code milliValue / 1000} in decimal SI, e.g. {@code ofMillis(1500)} prints as "1500m". */
    public static Quantity ofMillis(long milliValue) {
        return new Quantity(BigDecimal.valueOf(milliValue, 3), Format.DECIMAL_SI);
    }

    /** The exact value. */
    public BigDecimal amount() {
        return amount;
    }

    public Format format() {
        return format;
    }

    /** -1, 0 or 1 as the value is negative, zero or positive. */
    public int signum() {
        return amount.signum();
    }

    public boolean isZero() {
        return amount.signum() == 0;
    }

    /**
     * The value rounded up, away from zero, to a whole number, as Kubernetes' {@code Value()}: "1.5"
     * is 2, "1Ki" is 1024, "100m" is 1. Saturates at {@link Long#MAX_VALUE} and {@link
     * Long#MIN_VALUE} where Kubernetes would overflow.
     */
    public long value() {
        return scaledUp(0);
    }

    /**
     * The value times 1000, rounded up away from zero, as Kubernetes' {@code MilliValue()}: "500m"
     * is 500, "2" is 2000, "0.1m" is 1. Saturates like {@link #value()}.
     */
    public long milliValue() {
        return scaledUp(3);
    }

    private long scaledUp(int decimalPlaces) {
        if (amount.signum() == 0) {
            return 0;
        }
        // digits before the point after scaling; beyond 19 it cannot fit a long, and checking first
        // keeps absurd exponents ("1e2000000000") from being expanded.
        long integerDigits = (long) amount.precision() - amount.scale() + decimalPlaces;
        if (integerDigits > 19) {
            return saturated();
        }
        BigInteger whole = amount.scaleByPowerOfTen(decimalPlaces)
                .setScale(0, RoundingMode.UP)
                .toBigIntegerExact();
        return whole.bitLength() > 63 ? saturated() : whole.longValue();
    }

    private long saturated() {
        return amount.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }

    /** Compares values, ignoring formats. */
    @Override
    public int compareTo(Quantity other) {
        return amount.compareTo(other.amount);
    }

    /** Numeric equality, ignoring the format: "1Ki" equals "1024". */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Quantity other && exponent == other.exponent && mantissa.equals(other.mantissa);
    }

    @Override
    public int hashCode() {
        return 31 * mantissa.hashCode() + Long.hashCode(exponent);
    }

    /** The canonical form, as Kubernetes serializes the quantity (see the class comment). */
    @Override
    public String toString() {
        if (amount.signum() == 0) {
            return "0";
        }
        if (format == Format.BINARY_SI && amount.abs().compareTo(BINARY_SI_BOUND) >= 0 && exponent >= 0) {
            BigInteger value = mantissa.multiply(BigInteger.TEN.pow(Math.toIntExact(exponent)));
            int power = 0;
            BigInteger[] divided = value.divideAndRemainder(THOUSAND_TWENTY_FOUR);
            while (divided[1].signum() == 0 && power < BINARY_SUFFIXES.length - 1) {
                value = divided[0];
                power++;
                divided = value.divideAndRemainder(THOUSAND_TWENTY_FOUR);
            }
            if (divided[1].signum() != 0) {
                return value + BINARY_SUFFIXES[power];
            }
            // a multiple of 1024^7 has no binary suffix: Kubernetes falls back to the exponent form
            return decimalForm(Format.DECIMAL_EXPONENT);
        }
        // binary SI below 1024 or with a fraction is shown in decimal SI so that nothing is rounded
        return decimalForm(format == Format.BINARY_SI ? Format.DECIMAL_SI : format);
    }

    private String decimalForm(Format decimalFormat) {
        BigInteger digits = mantissa;
        long exp = exponent;
        // the exponent moves down to a multiple of 3, so that it has an SI suffix
        while (exp % 3 != 0) {
            digits = digits.multiply(BigInteger.TEN);
            exp--;
        }
        String suffix = decimalFormat == Format.DECIMAL_SI ? decimalSuffix(exp) : null;
        if (suffix == null) {
            suffix = exp == 0 ? "" : "e" + exp;
        }
        return digits + suffix;
    }

    private static @Nullable String decimalSuffix(long exp) {
        return switch ((int) Math.max(Math.min(exp, 100), -100)) {
            case -9 -> "n";
            case -6 -> "u";
            case -3 -> "m";
            case 0 -> "";
            case 3 -> "k";
            case 6 -> "M";
            case 9 -> "G";
            case 12 -> "T";
            case 15 -> "P";
            case 18 -> "E";
            default -> null; // past E or below n: Kubernetes falls back to the exponent form
        };
    }

    private static int skipDigits(String text, int pos) {
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
        return pos;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * {@code unscaled * 10^-scale}, rounded up away from zero to 9 decimal places. A value smaller
     * than 10^-9 becomes 10^-9 without expanding its digits, however small its exponent.
     */
    private static BigDecimal roundUpToNano(BigInteger unscaled, long scale, String text) {
        if (unscaled.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (scale > MAX_SCALE) {
            long integerDigits = unscaled.abs().toString().length() - scale;
            if (integerDigits <= -MAX_SCALE) {
                return BigDecimal.valueOf(unscaled.signum(), MAX_SCALE);
            }
            return new BigDecimal(unscaled, (int) scale).setScale(MAX_SCALE, RoundingMode.UP);
        }
        if (scale < Integer.MIN_VALUE + 1) {
            throw new QuantityFormatException(text, "exponent out of range");
        }
        return new BigDecimal(unscaled, (int) scale);
    }

    /** What a suffix means: the value is multiplied by base^exponent. */
    private record Suffix(int base, int exponent, Format format) {
        static Suffix interpret(String text, String suffix) {
            return switch (suffix) {
                case "" -> new Suffix(10, 0, Format.DECIMAL_SI);
                case "n" -> new Suffix(10, -9, Format.DECIMAL_SI);
                case "u" -> new Suffix(10, -6, Format.DECIMAL_SI);
                case "m" -> new Suffix(10, -3, Format.DECIMAL_SI);
                case "k" -> new Suffix(10, 3, Format.DECIMAL_SI);
                case "M" -> new Suffix(10, 6, Format.DECIMAL_SI);
                case "G" -> new Suffix(10, 9, Format.DECIMAL_SI);
                case "T" -> new Suffix(10, 12, Format.DECIMAL_SI);
                case "P" -> new Suffix(10, 15, Format.DECIMAL_SI);
                case "E" -> new Suffix(10, 18, Format.DECIMAL_SI);
                case "Ki" -> new Suffix(2, 10, Format.BINARY_SI);
                case "Mi" -> new Suffix(2, 20, Format.BINARY_SI);
                case "Gi" -> new Suffix(2, 30, Format.BINARY_SI);
                case "Ti" -> new Suffix(2, 40, Format.BINARY_SI);
                case "Pi" -> new Suffix(2, 50, Format.BINARY_SI);
                case "Ei" -> new Suffix(2, 60, Format.BINARY_SI);
                default -> exponent(text, suffix);
            };
        }

        private static Suffix exponent(String text, String suffix) {
            char first = suffix.charAt(0);
            if ((first != 'e' && first != 'E') || !isSignedInteger(suffix.substring(1))) {
                throw new QuantityFormatException(
                        text, "unknown suffix \"" + suffix + "\" (expected " + EXPECTED_SUFFIXES + ")");
            }
            String digits = suffix.substring(1);
            // Kubernetes keeps the exponent in an int32 that it negates, so MIN_VALUE is out too
            BigInteger value = new BigInteger(digits.startsWith("+") ? digits.substring(1) : digits);
            if (value.abs().compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
                throw new QuantityFormatException(text, "exponent out of range");
            }
            return new Suffix(10, value.intValueExact(), Format.DECIMAL_EXPONENT);
        }

        private static boolean isSignedInteger(String s) {
            int start = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
            return s.length() > start && skipDigits(s, start) == s.length();
        }
    }
}
