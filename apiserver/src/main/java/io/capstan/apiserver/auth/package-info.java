/** Who may call the API: bearer tokens whose hashes the store holds. */
package io.capstan.apiserver.auth;
