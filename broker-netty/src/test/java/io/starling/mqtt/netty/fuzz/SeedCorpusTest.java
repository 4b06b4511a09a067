package io.starling.mqtt.netty.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed seed files are exactly what {@link SeedCorpus} describes, so a seed's name keeps telling what it
 * holds. Run with {@code -Dstarling.fuzz.writeSeeds=true} to (re)write them into {@code src/test/resources} after
 * changing {@link SeedCorpus} or a fuzz target's input format. Other files in the inputs directories (findings
 * added as regression inputs) are left alone.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SeedCorpusTest {
    private static final boolean WRITE = Boolean.getBoolean("starling.fuzz.writeSeeds");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"MqttFrameDecoderFuzzTest", "ConnectionPipelineFuzzTest"})
    @DisplayName("every seed the generator describes is committed, byte for byte, in the target's inputs directory")
    void committedSeedsMatchTheGenerator(String target) throws IOException {
        String directory = inputsDirectory(target);
        Map<String, byte[]> seeds = target.equals("MqttFrameDecoderFuzzTest")
                ? SeedCorpus.decoderSeeds() : SeedCorpus.pipelineSeeds();
        if (WRITE) {
            Path sources = Path.of("src/test/resources", directory);
            Files.createDirectories(sources);
            for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
                Files.write(sources.resolve(seed.getKey()), seed.getValue());
            }
            return;
        }
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            String resource = "/" + directory + "/" + seed.getKey();
            try (InputStream committed = getClass().getResourceAsStream(resource)) {
                assertThat(committed).as(resource + " is missing; run with -Dstarling.fuzz.writeSeeds=true")
                        .isNotNull();
                assertThat(committed.readAllBytes()).as(resource).isEqualTo(seed.getValue());
            }
        }
    }

    /** Where Jazzer looks: {@code <package path>/<ClassName>Inputs/<method name>}. */
    private static String inputsDirectory(String target) {
        String method = target.equals("MqttFrameDecoderFuzzTest")
                ? "decodesArbitraryBytesInArbitrarySplits" : "brokerSurvivesArbitraryClientBytes";
        return SeedCorpusTest.class.getPackageName().replace('.', '/') + "/" + target + "Inputs/" + method;
    }
}
