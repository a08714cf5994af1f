/**
 * Manifests: the Kubernetes-shaped YAML and JSON form of the objects in {@code
 * io.capstan.proto.api.v1}, and RFC 7386 JSON merge patches over that form.
 *
 * <p>The mapping is read from the protobuf descriptors, so a field added to a {@code .proto} file
 * needs no code here:
 *
 * <ul>
 *   <li>A manifest is an object with {@code apiVersion}, {@code kind} (see {@link
 *       io.capstan.api.manifest.ManifestKind}), then the fields of the kind's message under their
 *       proto JSON names ({@code metadata}, {@code spec}, {@code status}, {@code podIP}).
 *   <li>Enum values are spelled as in Kubernetes ({@code IfNotPresent}, {@code ClusterIP}); see
 *       {@link io.capstan.api.manifest.EnumSpelling}. An {@code IntOrString} is a bare number or
 *       string, a {@code google.protobuf.Timestamp} is RFC 3339 text, {@code bytes} are base64.
 *   <li>Reading is strict, as Kubernetes' strict decoding: an unknown field, a value of the wrong
 *       type or an unknown enum spelling is a {@link io.capstan.api.manifest.ManifestException}
 *       naming its path ({@code spec.template.spec.containers[0].image}, {@code
 *       metadata.labels[app]}). A {@code null} value means "not set".
 *   <li>Writing omits what is unset: plain scalars at their zero value, empty lists and maps, and
 *       absent messages; proto3 {@code optional} fields are written whenever they are set.
 * </ul>
 */
@NullMarked
package io.capstan.api.manifest;

import org.jspecify.annotations.NullMarked;
