package io.capstan.api.quantity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.capstan.api.quantity.Quantity.Format;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Examples from Kubernetes' documentation of resource.Quantity and its quantity_test.go tables. */
class QuantityTest {

    @ParameterizedTest(name = "{0} is {1} in {2}")
    @CsvSource({
        "0, 0, DECIMAL_SI",
        "0Ki, 0, BINARY_SI",
        "1, 1, DECIMAL_SI",
        "2, 2, DECIMAL_SI",
        "0.5, 0.5, DECIMAL_SI",
        "500m, 0.5, DECIMAL_SI",
        "5n, 0.000000005, DECIMAL_SI",
        "4u, 0.000004, DECIMAL_SI",
        "8k, 8000, DECIMAL_SI",
        "7M, 7000000, DECIMAL_SI",
        "1.5G, 1500000000, DECIMAL_SI",
        "5T, 5000000000000, DECIMAL_SI",
        "2P, 2000000000000000, DECIMAL_SI",
        "1E, 1000000000000000000, DECIMAL_SI",
        "1Ki, 1024, BINARY_SI",
        "128Mi, 134217728, BINARY_SI",
        "1Gi, 1073741824, BINARY_SI",
        "5Ti, 5497558138880, BINARY_SI",
        "4Pi, 4503599627370496, BINARY_SI",
        "3Ei, 3458764513820540928, BINARY_SI",
        "1e3, 1000, DECIMAL_EXPONENT",
        "1E-3, 0.001, DECIMAL_EXPONENT",
        "1.3E+6, 1300000, DECIMAL_EXPONENT",
        "100.035k, 100035, DECIMAL_SI",
        ".001, 0.001, DECIMAL_SI",
        "1., 1, DECIMAL_SI",
        "1.G, 1000000000, DECIMAL_SI",
        "+1.5, 1.5, DECIMAL_SI",
        "-1.5, -1.5, DECIMAL_SI",
        "0.5Mi, 524288, BINARY_SI",
        "100.035Ki, 102435.84, BINARY_SI",
    })
    void parsesNumberAndSuffix(String text, BigDecimal expected, Format format) {
        Quantity quantity = Quantity.parse(text);

        assertThat(quantity.amount()).isEqualByComparingTo(expected);
        assertThat(quantity.format()).isEqualTo(format);
    }

    @ParameterizedTest(name = "{0} rounds up to {1}")
    @CsvSource({
        "3.001n, 0.000000004",
        "0.0000000001, 0.000000001",
        "0.0000000005, 0.000000001",
        "0.5e-9, 0.000000001",
        "0.9n, 0.000000001",
        "0.00000012345, 0.000000124",
        "-0.9n, -0.000000001",
        "1e-2000000000, 0.000000001",
    })
    void roundsUpToNanoAwayFromZero(String text, BigDecimal expected) {
        assertThat(Quantity.parse(text).amount()).isEqualByComparingTo(expected);
    }

    @Test
    void capsBinarySiAtTheLargestInt64() {
        assertThat(Quantity.parse("9Ei").amount()).isEqualByComparingTo(BigDecimal.valueOf(Long.MAX_VALUE));
        assertThat(Quantity.parse("9223372036854775807Ki").amount())
                .isEqualByComparingTo(BigDecimal.valueOf(Long.MAX_VALUE));
        assertThat(Quantity.parse("-9Ei").amount()).isEqualByComparingTo(BigDecimal.valueOf(-Long.MAX_VALUE));
        assertThat(Quantity.parse("12E").amount()).isEqualByComparingTo(new BigDecimal("12e18"));
    }

    @Test
    void binarySiBelowOneBecomesDecimalSi() {
        Quantity tiny = Quantity.parse("0.000000000001Ki");

        assertThat(tiny.format()).isEqualTo(Format.DECIMAL_SI);
        assertThat(tiny.amount()).isEqualByComparingTo("0.000000002");
    }

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource({
        // the examples of resource.Quantity's documentation
        "1.5, 1500m",
        "1.5Gi, 1536Mi",
        // TestQuantityParseEmit and TestQuantityString
        "1Ki, 1Ki",
        "1Mi, 1Mi",
        "1Gi, 1Gi",
        "1024Mi, 1Gi",
        "300Mi, 300Mi",
        "307200Ki, 300Mi",
        "1001Gi, 1001Gi",
        "1025024Mi, 1001Gi",
        "1024Gi, 1Ti",
        "1000M, 1G",
        "0.001T, 1G",
        "1000000000, 1G",
        ".001Ki, 1024m",
        ".000001Ki, 1024u",
        ".000000001Ki, 1024n",
        ".000000000001Ki, 2n",
        "1000u, 1m",
        "80m, 80m",
        "1.08, 1080m",
        "1080000000n, 1080m",
        "300M, 300M",
        "1T, 1T",
        "1E, 1E",
        "1000E, 1e21",
        "5000E, 5e21",
        "1234567M, 1234567M",
        "3k, 3k",
        "1025, 1025",
        "0, 0",
        "00, 0",
        "-0, 0",
        "0Ki, 0",
        "0m, 0",
        "1e9, 1e9",
        ".001e12, 1e9",
        "1e-3, 1e-3",
        "0.001e0, 1e-3",
        "1000e-12, 1e-9",
        "80e-3, 80e-3",
        "300e6, 300e6",
        "1e3, 1e3",
        "1.5e3, 1500",
        "1n, 1n",
        "80u, 80u",
        "1080u, 1080u",
        "0.5, 500m",
        "2, 2",
        "128Mi, 128Mi",
        "1.5G, 1500M",
        "0.5Ki, 512",
        "1.1Ki, 1126400m",
        "5000m, 5",
        "-1.5Gi, -1536Mi",
        "-100m, -100m",
        "9Ei, 9223372036854775807",
    })
    void writesTheCanonicalForm(String text, String canonical) {
        assertThat(Quantity.parse(text).toString()).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"500m", "128Mi", "1Gi", "1e3", "1500M", "1536Mi", "1e21", "100u", "-3k", "512"})
    void canonicalFormParsesBackToTheSameQuantity(String canonical) {
        Quantity quantity = Quantity.parse(canonical);

        Quantity reparsed = Quantity.parse(quantity.toString());

        assertThat(reparsed).isEqualTo(quantity);
        assertThat(reparsed.toString()).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "{0}: milli {1}, value {2}")
    @CsvSource({
        "500m, 500, 1",
        "0.5, 500, 1",
        "2, 2000, 2",
        "1, 1000, 1",
        "100m, 100, 1",
        "0.1m, 1, 1",
        "1.5, 1500, 2",
        "128Mi, 134217728000, 134217728",
        "1Gi, 1073741824000, 1073741824",
        "1e3, 1000000, 1000",
        "1.5G, 1500000000000, 1500000000",
        "-1.5, -1500, -2",
        "0, 0, 0",
    })
    void milliValueAndValueRoundUpAwayFromZero(String text, long milliValue, long value) {
        Quantity quantity = Quantity.parse(text);

        assertThat(quantity.milliValue()).isEqualTo(milliValue);
        assertThat(quantity.value()).isEqualTo(value);
    }

    @Test
    void valuesSaturateInsteadOfOverflowing() {
        assertThat(Quantity.parse("9Ei").milliValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(Quantity.parse("1e30").value()).isEqualTo(Long.MAX_VALUE);
        assertThat(Quantity.parse("-1e30").value()).isEqualTo(Long.MIN_VALUE);
        assertThat(Quantity.parse("1e2000000000").milliValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(Quantity.parse("9Ei").value()).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource({
        "0, 0, 0",
        "100m, 50m, 1",
        "50m, 100m, -1",
        "10000T, 100Gi, 1",
        "1Ki, 1024, 0",
        "1, 1000m, 0",
        "1Gi, 1G, 1",
        "-1, 0, -1",
        "1e2000000000, 1Ei, 1",
    })
    void comparesValuesIgnoringFormat(String left, String right, int expected) {
        assertThat(Integer.signum(Quantity.parse(left).compareTo(Quantity.parse(right))))
                .isEqualTo(expected);
        assertThat(Integer.signum(Quantity.parse(right).compareTo(Quantity.parse(left))))
                .isEqualTo(-expected);
    }

    @Test
    void equalValuesAreEqualWithEqualHashesWhateverTheirFormat() {
        Quantity binary = Quantity.parse("1Ki");
        Quantity decimal = Quantity.parse("1.024k");
        Quantity exponent = Quantity.parse("1024e0");

        assertThat(binary).isEqualTo(decimal).isEqualTo(exponent).hasSameHashCodeAs(decimal);
        assertThat(decimal).hasSameHashCodeAs(exponent);
        assertThat(binary.toString()).isEqualTo("1Ki");
        assertThat(decimal.toString()).isEqualTo("1024");
        assertThat(Quantity.parse("1")).isNotEqualTo(Quantity.parse("1001m"));
    }

    @Test
    void factoriesBuildWholeAndMilliQuantities() {
        assertThat(Quantity.of(1L << 30, Format.BINARY_SI).toString()).isEqualTo("1Gi");
        assertThat(Quantity.of(4, Format.DECIMAL_SI).toString()).isEqualTo("4");
        assertThat(Quantity.ofMillis(1500).toString()).isEqualTo("1500m");
        assertThat(Quantity.ofMillis(2000)).isEqualTo(Quantity.parse("2"));
        assertThat(Quantity.ofMillis(250).milliValue()).isEqualTo(250);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
            strings = {
                "1.1.M",
                "1+1.0M",
                "0.1mi",
                "0.1am",
                "aoeu",
                ".5i",
                "1i",
                "-3.01i",
                "-3.01e-",
                "1e4294967297",
                " 1",
                "1 ",
                "1K",
                "1ki",
                "1KB",
                "1Mb",
                "1e",
                "1e3.5",
                "1.5 Gi",
                "Gi",
                ".",
                "-",
                "+",
                "--1",
                "1e+",
                "0x10",
                "1,5",
                "1_000"
            })
    void rejectsJunk(String text) {
        assertThatThrownBy(() -> Quantity.parse(text))
                .isInstanceOf(QuantityFormatException.class)
                .hasMessageStartingWith("invalid quantity \"" + text + "\": ");
    }

    @Test
    void rejectionSaysWhatIsWrong() {
        assertThatThrownBy(() -> Quantity.parse(""))
                .isInstanceOf(QuantityFormatException.class)
                .hasMessage("invalid quantity \"\": empty");
        assertThatThrownBy(() -> Quantity.parse("abc"))
                .hasMessage("invalid quantity \"abc\": must start with a number such as 1, 0.5 or .5");
        assertThatThrownBy(() -> Quantity.parse("1KB"))
                .hasMessage("invalid quantity \"1KB\": unknown suffix \"KB\" (expected one of n, u, m, k, M, G, T,"
                        + " P, E, Ki, Mi, Gi, Ti, Pi, Ei, or an exponent such as e3)");
        assertThatThrownBy(() -> Quantity.parse("1e4294967297"))
                .hasMessage("invalid quantity \"1e4294967297\": exponent out of range");
        assertThat(catchThrowableOfType(QuantityFormatException.class, () -> Quantity.parse("x"))
                        .input())
                .isEqualTo("x");
    }
}
