# `make deb` (the `deb` target): acta_<version>_amd64.deb with CPack. The
# package holds the binary (/usr/bin/acta), the dashboard
# (/usr/share/acta/web, where the binary looks first: center/web_root.h), man
# pages generated from --help, the systemd units (acta-center@, acta-mirror@,
# acta-witness@) with their user (sysusers.d), example configurations
# (/etc/acta/{center,mirror,witness}.toml.example, from `acta
# center|mirror|witness --print-config`), the nginx configuration for a mirror
# (/usr/share/acta/nginx) and the operator docs. Every install
# rule is in the `package` component so that installing ALL builds nothing
# else. scripts/check-deb.sh installs the result into an empty tree and
# checks it.
set(ACTA_PACKAGE_STAGE ${CMAKE_BINARY_DIR}/package-stage)

# Man pages and the example configuration come from the built binary.
add_custom_command(
  OUTPUT ${ACTA_PACKAGE_STAGE}/man/acta.1.gz ${ACTA_PACKAGE_STAGE}/center.toml.example
         ${ACTA_PACKAGE_STAGE}/mirror.toml.example ${ACTA_PACKAGE_STAGE}/witness.toml.example
  COMMAND ${ACTA_REPRODUCIBLY}
          bash ${PROJECT_SOURCE_DIR}/scripts/make-man-pages.sh $<TARGET_FILE:acta> ${ACTA_PACKAGE_STAGE}/man
  COMMAND $<TARGET_FILE:acta> center --print-config
          --election /etc/acta/NAME/election --key /etc/acta/NAME/center.key
          --db sqlite:/var/lib/acta/NAME/center.db
          --ingest-listen 0.0.0.0:8443 --public-listen 0.0.0.0:8080
          > ${ACTA_PACKAGE_STAGE}/center.toml.example
  COMMAND $<TARGET_FILE:acta> mirror --print-config
          --center https://results.example.org --out /var/lib/acta-mirror/NAME
          > ${ACTA_PACKAGE_STAGE}/mirror.toml.example
  COMMAND $<TARGET_FILE:acta> witness --print-config
          --key /etc/acta/witness-NAME.key --state /var/lib/acta-witness/NAME/witness.db
          --election /etc/acta/NAME/election --listen 0.0.0.0:7380
          > ${ACTA_PACKAGE_STAGE}/witness.toml.example
  DEPENDS acta ${PROJECT_SOURCE_DIR}/scripts/make-man-pages.sh
  COMMENT "Man pages from --help, example configuration from --print-config"
  VERBATIM)
add_custom_target(package_files DEPENDS ${ACTA_PACKAGE_STAGE}/man/acta.1.gz)

install(TARGETS acta RUNTIME DESTINATION bin COMPONENT package)
install(DIRECTORY ${ACTA_WEB_DIST}/ DESTINATION share/acta/web COMPONENT package)
install(DIRECTORY ${ACTA_PACKAGE_STAGE}/man/ DESTINATION share/man/man1 COMPONENT package)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/acta-center@.service
              ${PROJECT_SOURCE_DIR}/packaging/systemd/acta-mirror@.service
              ${PROJECT_SOURCE_DIR}/packaging/systemd/acta-witness@.service
        DESTINATION lib/systemd/system COMPONENT package)
install(FILES ${PROJECT_SOURCE_DIR}/examples/nginx/acta-mirror.conf
        DESTINATION share/acta/nginx COMPONENT package)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/acta.sysusers
        DESTINATION lib/sysusers.d RENAME acta.conf COMPONENT package)
install(FILES ${ACTA_PACKAGE_STAGE}/center.toml.example ${ACTA_PACKAGE_STAGE}/mirror.toml.example
              ${ACTA_PACKAGE_STAGE}/witness.toml.example
        DESTINATION /etc/acta COMPONENT package)
install(FILES ${PROJECT_SOURCE_DIR}/monitoring/acta-alerts.yml
              ${PROJECT_SOURCE_DIR}/monitoring/grafana-acta-center.json
        DESTINATION share/acta/monitoring COMPONENT package)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/OPERATIONS.md
              ${PROJECT_SOURCE_DIR}/docs/API.md ${PROJECT_SOURCE_DIR}/docs/openapi.yaml
        DESTINATION share/doc/acta COMPONENT package)

set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(CPACK_PACKAGE_NAME acta)
set(CPACK_PACKAGE_VENDOR "acta")
set(CPACK_PACKAGE_CONTACT "acta maintainers <acta@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "election results from every polling table to the public, verifiably")
set(CPACK_PACKAGE_DESCRIPTION
    "acta carries signed election results from every polling table to the totalization centers and to the public, over any path that still works, into an append-only Merkle log that anyone can check offline.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL package)
set(CPACK_DEB_COMPONENT_INSTALL OFF)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst ${PROJECT_SOURCE_DIR}/packaging/debian/postrm
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/deb)
include(CPack)

# Builds the binary, the dashboard, the man pages, then the package. CPack
# writes every member of the package with owner root:root, in sorted order,
# with SOURCE_DATE_EPOCH as its time; the modes are those of the install
# rules, and of the umask that scripts/reproducibly.sh fixes for the rest
# (cmake/Reproducible.cmake).
add_custom_target(deb
  COMMAND ${ACTA_REPRODUCIBLY} ${CMAKE_CPACK_COMMAND} --config ${CMAKE_BINARY_DIR}/CPackConfig.cmake
  DEPENDS acta web package_files
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
  COMMENT "Building the Debian package (build/<preset>/deb/)"
  VERBATIM)
