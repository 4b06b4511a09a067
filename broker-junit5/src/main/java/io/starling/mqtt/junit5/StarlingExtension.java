package io.starling.mqtt.junit5;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.MqttBroker;
import io.starling.mqtt.netty.StarlingBroker;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Starts an in-memory Starling broker on {@code 127.0.0.1}, port 0, per test method or per test class, injects it,
 * and closes it afterwards, also when the test fails.
 *
 * <p>Usually registered through {@link StarlingTest}. Programmatically, with the settings in code:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final StarlingExtension STARLING = StarlingExtension.builder()
 *         .lifecycle(BrokerLifecycle.PER_CLASS)
 *         .configure(config -> config.maxInflight(4))
 *         .build();
 * }</pre>
 *
 * <p>A {@code static} field is needed for {@link BrokerLifecycle#PER_CLASS}; an instance field works for
 * {@link BrokerLifecycle#PER_METHOD}. Register the extension once per class: either the annotation or a field.
 *
 * <h2>What is injected</h2>
 * <ul>
 *   <li>{@link StarlingBroker} and {@link MqttBroker}: the broker;</li>
 *   <li>{@code String} or {@link URI} annotated {@link BrokerUri}: {@code tcp://127.0.0.1:PORT};</li>
 *   <li>{@link StarlingTestKit}: helpers for assertions on traffic, scoped to the test.</li>
 * </ul>
 * Parameters of test methods, lifecycle methods and (with {@code PER_CLASS}) constructors are resolved. Non-final
 * fields of these types, declared in the test class or its superclasses, are assigned before each test; static ones
 * already before {@code @BeforeAll} methods with {@code PER_CLASS}. A field the test assigned itself (holding a
 * broker the extension did not start) is left alone.
 *
 * <h2>Defaults</h2>
 * Host {@code 127.0.0.1}, port 0 (a free port), one I/O thread, everything else as {@link BrokerConfig#defaults()}:
 * in memory, no files, no logging configuration (only SLF4J's API is used).
 */
public final class StarlingExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(StarlingExtension.class);
    private static final String CLASS_SCOPE = "class-scope";
    private static final String METHOD_SCOPE = "method-scope";
    private static final String REGISTERED_BY = "registered-by";

    /** Brokers this extension started, to tell them from brokers a test assigned to a field itself. */
    private static final Set<StarlingBroker> STARTED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    /** Null when registered by {@link StarlingTest}: the settings then come from the annotations. */
    private final Settings programmatic;

    /** Used by {@link StarlingTest}; settings come from the annotation and {@link StarlingConfig} methods. */
    public StarlingExtension() {
        this.programmatic = null;
    }

    private StarlingExtension(Settings settings) {
        this.programmatic = settings;
    }

    /** For {@code @RegisterExtension}: the lifecycle and the broker settings in code. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- callbacks ----

    @Override
    public void beforeAll(ExtensionContext context) {
        Settings settings = settings(context);
        if (settings.lifecycle() == BrokerLifecycle.PER_CLASS) {
            Scope scope = classScope(context, settings);
            injectFields(context.getRequiredTestClass(), null, scope);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Object registered = context.getStore(NAMESPACE).getOrComputeIfAbsent(REGISTERED_BY, key -> this);
        if (registered != this) {
            throw new ExtensionConfigurationException("StarlingExtension is registered more than once for "
                    + context.getRequiredTestClass().getName()
                    + ": use either @StarlingTest or one @RegisterExtension field, not both");
        }
        Settings settings = settings(context);
        Scope scope = methodScope(context, settings);
        Scope staticScope = settings.lifecycle() == BrokerLifecycle.PER_CLASS ? classScope(context, settings) : scope;
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectFields(instance.getClass(), null, staticScope);
            injectFields(instance.getClass(), instance, scope);
        }
    }

    // ---- parameters ----

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Parameter parameter = parameterContext.getParameter();
        return isInjectable(parameter.getType(), parameterContext.isAnnotated(BrokerUri.class),
                () -> "parameter " + parameter + " of " + parameter.getDeclaringExecutable());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Settings settings = settings(extensionContext);
        Scope scope;
        if (extensionContext.getTestMethod().isPresent()) {
            scope = methodScope(extensionContext, settings);
        } else if (settings.lifecycle() == BrokerLifecycle.PER_CLASS) {
            scope = classScope(extensionContext, settings);
        } else {
            throw new ParameterResolutionException("no Starling broker for " + parameterContext.getParameter()
                    + " of " + parameterContext.getDeclaringExecutable()
                    + ": with BrokerLifecycle.PER_METHOD a broker exists only around each test method; inject it "
                    + "into fields, test methods or @BeforeEach/@AfterEach methods, or use "
                    + "@StarlingTest(lifecycle = BrokerLifecycle.PER_CLASS)");
        }
        return scope.value(parameterContext.getParameter().getType());
    }

    // ---- scopes ----

    /** The class-wide broker; an enclosing class's broker serves its {@code @Nested} classes. */
    private Scope classScope(ExtensionContext context, Settings settings) {
        ExtensionContext classContext =
                context.getTestMethod().isPresent() ? context.getParent().orElseThrow() : context;
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(CLASS_SCOPE,
                key -> new Scope(start(settings, classContext), true), Scope.class);
    }

    private Scope methodScope(ExtensionContext context, Settings settings) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(METHOD_SCOPE, key -> {
            if (settings.lifecycle() == BrokerLifecycle.PER_CLASS) {
                return new Scope(classScope(context, settings).broker, false);
            }
            return new Scope(start(settings, context), true);
        }, Scope.class);
    }

    private static StarlingBroker start(Settings settings, ExtensionContext context) {
        BrokerConfig.Builder builder = BrokerConfig.builder().host("127.0.0.1").port(0).ioThreads(1);
        settings.configure(builder, context);
        BrokerConfig config;
        try {
            config = builder.build();
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("invalid Starling broker settings for "
                    + context.getDisplayName() + ": " + e.getMessage(), e);
        }
        StarlingBroker broker = StarlingBroker.create(config);
        STARTED.add(broker);
        try {
            return broker.start();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /**
     * One broker (owned or borrowed from the class scope) and one kit. JUnit closes it when its extension context
     * ends: after the {@code @AfterEach} (or {@code @AfterAll}) methods, whether or not the test failed.
     */
    private static final class Scope implements ExtensionContext.Store.CloseableResource {
        final StarlingBroker broker;
        final StarlingTestKit kit;
        private final boolean ownsBroker;

        Scope(StarlingBroker broker, boolean ownsBroker) {
            this.broker = broker;
            this.kit = new StarlingTestKit(broker);
            this.ownsBroker = ownsBroker;
        }

        Object value(Class<?> type) {
            if (type == StarlingTestKit.class) {
                return kit;
            }
            if (type == String.class) {
                return broker.uri();
            }
            if (type == URI.class) {
                return URI.create(broker.uri());
            }
            return broker;
        }

        @Override
        public void close() {
            try {
                kit.close();
            } finally {
                if (ownsBroker) {
                    broker.close();
                }
            }
        }
    }

    // ---- fields ----

    private static boolean isInjectable(Class<?> type, boolean brokerUri, java.util.function.Supplier<String> where) {
        if (brokerUri) {
            if (type == String.class || type == URI.class) {
                return true;
            }
            throw new ParameterResolutionException("@BrokerUri needs type String or java.net.URI, not "
                    + type.getName() + ", on " + where.get());
        }
        return type == StarlingBroker.class || type == MqttBroker.class || type == StarlingTestKit.class;
    }

    /** Static fields when {@code instance} is null, instance fields otherwise. */
    private static void injectFields(Class<?> testClass, Object instance, Scope scope) {
        boolean statics = instance == null;
        List<Field> fields = ReflectionSupport.findFields(testClass,
                f -> Modifier.isStatic(f.getModifiers()) == statics && !Modifier.isFinal(f.getModifiers())
                        && isInjectableField(f),
                HierarchyTraversalMode.TOP_DOWN);
        for (Field field : fields) {
            if (!field.trySetAccessible()) {
                throw new ExtensionConfigurationException("cannot inject the Starling broker into " + field
                        + ": not accessible (open the package to org.junit.platform.commons / this extension)");
            }
            try {
                Object current = field.get(instance);
                if (field.isAnnotationPresent(BrokerUri.class) || current == null || isOurs(current)) {
                    field.set(instance, scope.value(field.getType()));
                }
            } catch (IllegalAccessException e) {
                throw new ExtensionConfigurationException("cannot inject the Starling broker into " + field, e);
            }
        }
    }

    private static boolean isInjectableField(Field field) {
        boolean annotated = field.isAnnotationPresent(BrokerUri.class);
        if (annotated && field.getType() != String.class && field.getType() != URI.class) {
            throw new ExtensionConfigurationException("@BrokerUri needs type String or java.net.URI, not "
                    + field.getType().getName() + ", on field " + field);
        }
        return annotated || field.getType() == StarlingBroker.class || field.getType() == MqttBroker.class
                || field.getType() == StarlingTestKit.class;
    }

    private static boolean isOurs(Object value) {
        return value instanceof StarlingTestKit || value instanceof StarlingBroker broker && STARTED.contains(broker);
    }

    // ---- settings ----

    private Settings settings(ExtensionContext context) {
        if (programmatic != null) {
            return programmatic;
        }
        // Read once per test class, not once per test.
        Class<?> testClass = context.getRequiredTestClass();
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(new SettingsKey(testClass),
                key -> Settings.fromAnnotations(testClass), Settings.class);
    }

    private record SettingsKey(Class<?> testClass) {
    }

    /** Lifecycle plus the code that adjusts the broker configuration. */
    private record Settings(BrokerLifecycle lifecycle, Consumer<BrokerConfig.Builder> programmaticConfig,
                            List<Method> configMethods) {

        static Settings fromAnnotations(Class<?> testClass) {
            BrokerLifecycle lifecycle = BrokerLifecycle.PER_METHOD;
            // The test class, then its enclosing classes (for @Nested); @Inherited covers superclasses.
            List<Class<?>> outermostFirst = new ArrayList<>();
            for (Class<?> c = testClass; c != null; c = enclosingOf(c)) {
                outermostFirst.add(0, c);
            }
            for (int i = outermostFirst.size() - 1; i >= 0; i--) {
                Optional<StarlingTest> annotation =
                        AnnotationSupport.findAnnotation(outermostFirst.get(i), StarlingTest.class);
                if (annotation.isPresent()) {
                    lifecycle = annotation.get().lifecycle();
                    break;
                }
            }
            List<Method> methods = new ArrayList<>();
            for (Class<?> c : outermostFirst) {
                for (Method m : AnnotationSupport.findAnnotatedMethods(c, StarlingConfig.class,
                        HierarchyTraversalMode.TOP_DOWN)) {
                    if (!methods.contains(m)) {
                        methods.add(check(m));
                    }
                }
            }
            return new Settings(lifecycle, null, List.copyOf(methods));
        }

        private static Class<?> enclosingOf(Class<?> c) {
            return Modifier.isStatic(c.getModifiers()) ? null : c.getEnclosingClass();
        }

        private static Method check(Method m) {
            if (!Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1
                    || m.getParameterTypes()[0] != BrokerConfig.Builder.class || m.getReturnType() != void.class) {
                throw new ExtensionConfigurationException("@StarlingConfig method " + m
                        + " must be 'static void name(BrokerConfig.Builder config)'");
            }
            return m;
        }

        void configure(BrokerConfig.Builder config, ExtensionContext context) {
            if (programmaticConfig != null) {
                programmaticConfig.accept(config);
            }
            for (Method method : configMethods) {
                try {
                    if (!method.trySetAccessible()) {
                        throw new ExtensionConfigurationException("@StarlingConfig method " + method
                                + " is not accessible");
                    }
                    method.invoke(null, config);
                } catch (InvocationTargetException e) {
                    throw new ExtensionConfigurationException("@StarlingConfig method " + method + " failed for "
                            + context.getDisplayName() + ": " + e.getCause(), e.getCause());
                } catch (IllegalAccessException e) {
                    throw new ExtensionConfigurationException("@StarlingConfig method " + method
                            + " is not accessible", e);
                }
            }
        }
    }

    /** Settings of a programmatically registered extension. */
    public static final class Builder {
        private BrokerLifecycle lifecycle = BrokerLifecycle.PER_METHOD;
        private Consumer<BrokerConfig.Builder> config = c -> { };

        private Builder() {}

        /** {@link BrokerLifecycle#PER_METHOD} unless set. */
        public Builder lifecycle(BrokerLifecycle value) {
            this.lifecycle = Objects.requireNonNull(value, "lifecycle");
            return this;
        }

        /**
         * Adjusts the broker configuration after the extension's defaults (host {@code 127.0.0.1}, port 0, one
         * I/O thread); called again for every broker started. Several calls apply in order.
         */
        public Builder configure(Consumer<BrokerConfig.Builder> settings) {
            Objects.requireNonNull(settings, "settings");
            this.config = this.config.andThen(settings);
            return this;
        }

        public StarlingExtension build() {
            return new StarlingExtension(new Settings(lifecycle, config, List.of()));
        }
    }
}
