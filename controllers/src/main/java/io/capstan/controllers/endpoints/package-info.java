/**
 * The endpoints controller: an Endpoints object per Service with a selector, listing the selected
 * pods at their node's address and bound host port. {@code DesiredEndpoints} computes it;
 * {@link io.capstan.controllers.endpoints.EndpointsController} keeps it written.
 */
package io.capstan.controllers.endpoints;
