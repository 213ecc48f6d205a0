package dev.duro.deploy.example;

import dev.duro.model.object.ObjectFactory;
import dev.duro.model.worker.Worker;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;

import java.util.List;

/** The application {@code duro dev} and {@code duro node} deploy: {@link ExampleWorker} and its {@link Counter} objects. */
public final class ExampleApp {
    private ExampleApp() {
    }

    public static Deployment deployment(byte[] deploymentSecret) {
        return new Deployment(deploymentSecret, List.of(new NamespaceBinding(ExampleWorker.BINDING, (ObjectFactory) Counter::new)));
    }

    public static Worker worker() {
        return new ExampleWorker();
    }
}
