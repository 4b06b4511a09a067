package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.topic.TopicName;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode and encode of one QoS 1 PUBLISH on a 3-level topic, by payload size. Lives in the codec's package to call
 * the per-type decoder directly, without a pipeline around it. Run with {@code -prof gc} for bytes per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CodecBenchmark {
    @Param({"64", "1024", "65536"})
    int payloadSize;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private Publish publish;
    private ByteBuf encodedBody;
    private int flags;

    @Setup(Level.Trial)
    public void setUp() {
        publish = new Publish(TopicName.of("sensors/kitchen/temperature"), QoS.AT_LEAST_ONCE, false, false, 42,
                new byte[payloadSize]);
        ByteBuf whole = MqttEncoder.encode(alloc, publish);
        flags = whole.getUnsignedByte(0) & 0x0F;
        int headerLength = 2;
        while ((whole.getByte(headerLength - 1) & 0x80) != 0) {
            headerLength++;
        }
        encodedBody = alloc.directBuffer(whole.readableBytes() - headerLength);
        encodedBody.writeBytes(whole, headerLength, whole.readableBytes() - headerLength);
        whole.release();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encodedBody.release();
    }

    @Benchmark
    public MqttPacket decodePublish() {
        return PublishDecoder.INSTANCE.decode(PacketType.PUBLISH, flags, encodedBody.duplicate());
    }

    @Benchmark
    public int encodePublish() {
        ByteBuf buf = MqttEncoder.encode(alloc, publish);
        int size = buf.readableBytes();
        buf.release();
        return size;
    }
}
