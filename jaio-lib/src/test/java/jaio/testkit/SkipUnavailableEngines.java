package jaio.testkit;

import java.lang.reflect.Method;
import jaio.Engine;
import jaio.EngineInfo;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.TestAbortedException;

/**
 * Shows a test that runs on an engine this machine does not allow as skipped, with the
 * probe's reason, instead of dropping it. Registered for every test through JUnit's
 * extension auto-detection (META-INF/services and junit-platform.properties), so a
 * parameterized test over {@link TestEngines#all()} needs nothing more: each invocation
 * whose arguments include an unavailable {@link Engine} is aborted before it runs.
 */
public final class SkipUnavailableEngines implements InvocationInterceptor {
    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                            ExtensionContext context) throws Throwable {
        for (Object a : call.getArguments()) {
            if (a instanceof Engine e && e != Engine.AUTO) {
                EngineInfo info = EngineInfo.probe(e);
                if (!info.available()) {
                    invocation.skip();
                    throw new TestAbortedException(e.shortName() + " is not available here: " + info.reason());
                }
            }
        }
        invocation.proceed();
    }
}
