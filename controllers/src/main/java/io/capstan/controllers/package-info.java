/**
 * The controllers of {@code capstan controller-manager}. Each package is one controller: pure
 * decision logic (what the cluster should look like next) kept apart from the loop that watches
 * through informers and writes through the client.
 */
package io.capstan.controllers;
