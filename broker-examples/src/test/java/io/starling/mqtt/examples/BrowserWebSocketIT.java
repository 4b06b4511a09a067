package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.StarlingBroker;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * MQTT over WebSocket in a real browser: headless Chromium runs mqtt.js (its browser bundle) against a broker this
 * test starts. Skipped with what to install when Chromium, chromedriver or the bundle is missing (failed under CI).
 */
@Timeout(120)
class BrowserWebSocketIT {
    private static final Duration PAGE = Duration.ofSeconds(30);

    @TempDir
    Path profiles;
    private Path mqttJs;

    @BeforeEach
    void requireBrowser() {
        mqttJs = Chromium.requireBrowserAndBundle();
    }

    private static String text(WebDriver driver, String id) {
        return driver.findElement(By.id(id)).getText();
    }

    private static List<String> items(WebDriver driver, String listId) {
        return driver.findElement(By.id(listId)).findElements(By.tagName("li")).stream().map(WebElement::getText)
                .toList();
    }

    @Test
    @DisplayName("mqtt.js in Chromium connects over ws://, subscribes (QoS 1), publishes, and receives its own message and one from the broker")
    void mqttJsRoundTrip() throws Exception {
        BlockingQueue<Message> atBroker = new LinkedBlockingQueue<>();
        try (StarlingBroker broker = StarlingBroker.builder().port(0)
                .configure(c -> c.listener(Listener.webSocket("ws", "127.0.0.1", 0))).start();
             StaticPages pages = new StaticPages(mqttJs)) {
            broker.subscribe("browser/roundtrip", QoS.AT_LEAST_ONCE, atBroker::add);
            String url = pages.url("roundtrip.html?url=" + URLEncoder.encode(broker.uri("ws"), StandardCharsets.UTF_8)
                    + "&topic=browser%2Froundtrip&clientId=chromium-roundtrip");
            WebDriver driver = Chromium.start(profiles);
            try {
                driver.get(url);
                await().atMost(PAGE).untilAsserted(() -> assertThat(items(driver, "received"))
                        .as("page status %s, log %s", text(driver, "status"), text(driver, "log"))
                        .contains("browser/roundtrip 1 hello from chromium"));
                assertThat(text(driver, "status")).isEqualTo("subscribed 1");

                Message fromBrowser = atBroker.poll(5, TimeUnit.SECONDS);
                assertThat(fromBrowser).as("the browser's PUBLISH reached the broker").isNotNull();
                assertThat(new String(fromBrowser.payload(), StandardCharsets.UTF_8)).isEqualTo("hello from chromium");
                assertThat(broker.admin().session("chromium-roundtrip")).as("the browser's session")
                        .hasValueSatisfying(session -> assertThat(session.connected()).isTrue());

                broker.publish(Message.of("browser/roundtrip", "hello from java".getBytes(StandardCharsets.UTF_8),
                        QoS.AT_LEAST_ONCE, false));
                await().atMost(PAGE).untilAsserted(() -> assertThat(items(driver, "received"))
                        .contains("browser/roundtrip 1 hello from java"));
            } finally {
                driver.quit();
            }
        }
    }

    @Test
    @DisplayName("the browser example's page shows a message a Paho client publishes over TCP, and a Paho client receives what the page publishes")
    void examplePageExchangesWithPahoOverTcp() throws Exception {
        BlockingQueue<String> atPaho = new LinkedBlockingQueue<>();
        try (BrowserExample example = BrowserExample.start(0, 0, 0, mqttJs);
             MqttClient paho = new MqttClient(example.mqttUri(), "paho-tcp", new MemoryPersistence())) {
            paho.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    atPaho.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions options = new MqttConnectOptions();
            options.setConnectionTimeout(5);
            paho.connect(options);
            paho.subscribe("starling/demo/browser", 1);

            WebDriver driver = Chromium.start(profiles);
            try {
                driver.get(example.pageUrl());
                await().atMost(PAGE).untilAsserted(() -> assertThat(text(driver, "status")).isEqualTo("connected"));

                paho.publish("starling/demo/paho", "hello from paho over tcp".getBytes(StandardCharsets.UTF_8), 1,
                        false);
                await().atMost(PAGE).untilAsserted(() -> assertThat(items(driver, "messages"))
                        .contains("starling/demo/paho hello from paho over tcp"));

                WebElement payload = driver.findElement(By.id("payload"));
                payload.clear();
                payload.sendKeys("typed in chromium");
                driver.findElement(By.id("send")).click();
                assertThat(atPaho.poll(10, TimeUnit.SECONDS)).isEqualTo("starling/demo/browser typed in chromium");
                await().atMost(PAGE).untilAsserted(() -> assertThat(items(driver, "messages"))
                        .as("the page subscribes to its own topics too").contains("starling/demo/browser typed in chromium"));
            } finally {
                driver.quit();
            }
            paho.disconnect();
        }
    }

    @Test
    @DisplayName("the example's WebSocket listener refuses a page from another origin: Chromium never connects")
    void examplePageFromAnotherOriginIsRefused() throws Exception {
        try (BrowserExample example = BrowserExample.start(0, 0, 0, mqttJs);
             StaticPages elsewhere = new StaticPages(mqttJs)) {
            // The same round-trip page, but served from another port: another origin than the example's.
            WebDriver driver = Chromium.start(profiles);
            try {
                driver.get(elsewhere.url("roundtrip.html?url=" + URLEncoder.encode(example.webSocketUri(),
                        StandardCharsets.UTF_8) + "&topic=starling%2Fdemo%2Fx&clientId=foreign-page"));
                await().atMost(PAGE).untilAsserted(() -> assertThat(text(driver, "log")).contains("closed"));
                assertThat(text(driver, "status")).isEqualTo("loading");
                assertThat(example.broker().stats().clientsConnected()).isZero();
            } finally {
                driver.quit();
            }
        }
    }
}
