package io.capstan.kubelet.runtime;

/** An image is not available: reason "ErrImagePull" or "ErrImageNeverPull". */
public class ImageException extends ContainerException {
    private static final long serialVersionUID = 1L;

    public ImageException(String reason, String message, Throwable cause) {
        super(reason, message, cause);
    }

    public ImageException(String reason, String message) {
        super(reason, message);
    }
}
