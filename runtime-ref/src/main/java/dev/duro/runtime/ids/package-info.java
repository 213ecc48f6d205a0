/** Object ids: keyed-hash name ids and MAC-checked unique ids, one {@link dev.duro.runtime.ids.ObjectIds} per namespace. */
package dev.duro.runtime.ids;
