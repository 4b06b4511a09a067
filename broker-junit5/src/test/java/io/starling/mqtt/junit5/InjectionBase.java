package io.starling.mqtt.junit5;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.netty.StarlingBroker;

/** The superclass of {@link InjectionTest}: its fields are injected and its hooks run first. */
abstract class InjectionBase {
    /** Declared in a superclass: injected as well. */
    StarlingBroker inherited;

    @StarlingConfig
    static void baseSettings(BrokerConfig.Builder config) {
        InjectionTest.HOOKS.add("base");
        config.maxInflight(5);
    }
}
