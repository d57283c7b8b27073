cd public_html
mysql -u flexpbx_db -p'{{DB_PASS}}' flexpbx_main
sudo /usr/local/bin/flexpbx-toggle-permissions status
ls -la ~/backup/
