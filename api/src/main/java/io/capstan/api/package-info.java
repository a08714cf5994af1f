/**
 * What the API server and its clients share about objects beyond the generated messages:
 * manifests, merge patches, selectors and quantities. No networking and no store here.
 */
@NullMarked
package io.capstan.api;

import org.jspecify.annotations.NullMarked;
