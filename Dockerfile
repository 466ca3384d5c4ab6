# Tapwire services image: docker build -t tapwire:local .   (used by docker-compose.yml)
# Stage 1 builds the distribution jar with the Maven wrapper; stage 2 runs it on a JRE 17.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -Dmaven.test.skip=true -pl cli -am package

FROM eclipse-temurin:17-jre
RUN groupadd --system tapwire \
    && useradd --system --gid tapwire --uid 10001 --home-dir /data tapwire \
    && mkdir -p /data /opt/tapwire \
    && chown tapwire:tapwire /data
COPY --from=build /src/cli/target/tapwire.jar /opt/tapwire/tapwire.jar
COPY docker/tapwire /usr/local/bin/tapwire
RUN chmod 0755 /usr/local/bin/tapwire
USER tapwire
WORKDIR /data
VOLUME /data
ENV TAPWIRE_DATA_DIR=/data
EXPOSE 8080 9464
ENTRYPOINT ["tapwire"]
CMD ["--help"]
