"""The common data model: what every connector yields and the store keeps."""
