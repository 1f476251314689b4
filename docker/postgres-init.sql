-- Each service owns its own database.
CREATE DATABASE registry;
CREATE DATABASE aid;
CREATE DATABASE notify;
CREATE DATABASE gateway;
