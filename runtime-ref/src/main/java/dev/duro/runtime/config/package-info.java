/** What a node runs (the deployment: namespaces bound to object classes) and how (runtime settings). */
package dev.duro.runtime.config;
