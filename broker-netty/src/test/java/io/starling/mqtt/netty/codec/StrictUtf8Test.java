package io.starling.mqtt.netty.codec;

import static io.starling.mqtt.netty.codec.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * We rely on the JDK's UTF-8 decoder with REPORT to enforce well-formedness instead of checking surrogates
 * ourselves; these tests pin that behaviour so a JDK change would be caught here.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StrictUtf8Test {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "ED A0 80",          // U+D800, a high surrogate encoded on its own
        "ED BF BF",          // U+DFFF, a low surrogate
        "ED A0 BD ED B8 80", // CESU-8: U+1F600 as two encoded surrogates
        "C3",                // truncated two-byte sequence
        "E2 82",             // truncated three-byte sequence
        "FF", "FE",          // bytes that never occur in UTF-8
        "80",                // continuation byte without a lead
        "C0 AF", "C1 BF",    // overlong two-byte forms of '/' and U+007F
        "E0 80 AF",          // overlong three-byte '/'
        "F0 80 80 AF",       // overlong four-byte '/'
        "F4 90 80 80",       // beyond U+10FFFF
        "F8 88 80 80 80"     // five-byte form
    })
    @DisplayName("[MQTT-1.5.3-1] the JDK decoder with REPORT rejects ill-formed UTF-8, encoded surrogates included")
    void jdkDecoderRejectsIllFormed(String bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(hex(bytes))))
                .isInstanceOf(CharacterCodingException.class);
        assertThatThrownBy(() -> read(hex(bytes))).isInstanceOf(CharacterCodingException.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "EF BB BF 61, \uFEFFa",
        "F0 9F 98 80, \uD83D\uDE00",
        "C3 A9, \u00e9",
        "EF BF BF, \uFFFF",
        "'', ''"
    })
    @DisplayName("[MQTT-1.5.3-3] well-formed UTF-8 decodes unchanged; U+FEFF is kept, never stripped")
    void decodesWellFormed(String bytes, String expected) throws CharacterCodingException {
        assertThat(read(hex(bytes))).isEqualTo(expected);
    }

    @Test
    @DisplayName("[MQTT-1.5.3-2] U+0000 is well-formed UTF-8, so the field reader rejects it separately")
    void nulIsLeftToTheFieldReader() throws CharacterCodingException {
        assertThat(read(hex("61 00"))).isEqualTo("a\u0000");
    }

    @Test
    @DisplayName("a character split across the components of a composite buffer decodes, and only its bytes are consumed")
    void decodesAcrossComponents() throws CharacterCodingException {
        CompositeByteBuf composite = ByteBufAllocator.DEFAULT.compositeBuffer();
        try {
            composite.addComponent(true, ByteBufAllocator.DEFAULT.buffer().writeBytes(hex("61 C3")));
            composite.addComponent(true, ByteBufAllocator.DEFAULT.directBuffer().writeBytes(hex("A9 62 7A")));
            assertThat(StrictUtf8.read(composite, 4)).isEqualTo("a\u00e9b");
            assertThat(composite.readableBytes()).isEqualTo(1);
        } finally {
            composite.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "direct", "composite"})
    @DisplayName("ASCII, decoded without the JDK decoder, reads the same from heap, direct and composite buffers, up "
            + "to U+007F, and consumes only its bytes")
    void asciiFastPath(String kind) throws CharacterCodingException {
        byte[] ascii = hex("73 65 6E 73 6F 72 2F 31 7F 20 7E");
        ByteBuf buf = switch (kind) {
            case "heap" -> ByteBufAllocator.DEFAULT.heapBuffer().writeBytes(ascii).writeByte('x');
            case "direct" -> ByteBufAllocator.DEFAULT.directBuffer().writeBytes(ascii).writeByte('x');
            default -> ByteBufAllocator.DEFAULT.compositeBuffer()
                    .addComponent(true, ByteBufAllocator.DEFAULT.heapBuffer().writeBytes(ascii, 0, 4))
                    .addComponent(true, ByteBufAllocator.DEFAULT.directBuffer().writeBytes(ascii, 4, 7).writeByte('x'));
        };
        try {
            assertThat(StrictUtf8.read(buf, ascii.length)).isEqualTo("sensor/1\u007F ~");
            assertThat(buf.readableBytes()).isEqualTo(1);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"61 62 FF", "61 62 63 ED A0 80", "61 C3", "2F 2F 80"})
    @DisplayName("[MQTT-1.5.3-1] ill-formed bytes after an ASCII start are still rejected")
    void illFormedAfterAscii(String bytes) {
        assertThatThrownBy(() -> read(hex(bytes))).isInstanceOf(CharacterCodingException.class);
    }

    private static String read(byte[] bytes) throws CharacterCodingException {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(Math.max(1, bytes.length)).writeBytes(bytes);
        try {
            return StrictUtf8.read(buf, bytes.length);
        } finally {
            buf.release();
        }
    }
}
