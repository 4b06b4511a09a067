package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding that refuses ill-formed input [MQTT-1.5.3-1] instead of substituting U+FFFD as
 * {@code new String(bytes, UTF_8)} would: a replaced character would let two different byte strings name the
 * same topic or client. The JDK decoder already rejects encoded surrogates (ED A0 80), overlong forms (C0 AF),
 * truncated sequences and bytes that never occur (FF); it keeps U+FEFF as is [MQTT-1.5.3-3].
 */
final class StrictUtf8 {
    // CharsetDecoder is stateful; one per event-loop thread keeps decoding allocation-light and unshared.
    private static final FastThreadLocal<CharsetDecoder> DECODER = new FastThreadLocal<>() {
        @Override
        protected CharsetDecoder initialValue() {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
    };

    private StrictUtf8() {}

    /** Decodes the next {@code length} readable bytes of {@code buf} and consumes them. */
    static String read(ByteBuf buf, int length) throws CharacterCodingException {
        int index = buf.readerIndex();
        String value;
        if (ByteBufUtil.isText(buf, index, length, CharsetUtil.US_ASCII)) {
            // Nearly every topic and client id is ASCII, where UTF-8 is the identity. Decoding those directly skips
            // the decoder's ByteBuffer view, CharBuffer and char[]: a third of what the broker allocated per
            // PUBLISH (JFR, p2p-qos1).
            value = buf.toString(index, length, CharsetUtil.US_ASCII);
        } else {
            value = DECODER.get().decode(buf.nioBuffer(index, length)).toString();
        }
        buf.skipBytes(length);
        return value;
    }
}
